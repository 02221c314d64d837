//! Asking the person directly, where the client can: a form with the previewed effect and
//! approve or decline. In a 2025 session the server sends `elicitation/create` and waits; in
//! 2026-07-28, which has no server-to-client requests, the call answers with an input-required
//! result holding the same form, and the client calls again with the answer and the sealed state.

use std::time::{Duration, Instant};

use rmcp::{
    ErrorData, RoleServer,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequest, ElicitRequestParams,
        ElicitResult, ElicitationAction, ElicitationSchema, InputRequest, InputRequiredResult, JsonObject,
    },
    service::RequestContext,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{
    HostawayServer,
    seal::{Broken, Purpose, fingerprint},
};

/// How long a person may take to answer before the write is given up.
const APPROVAL_WAIT: Duration = Duration::from_secs(10 * 60);

/// The key of the approval in an input-required result's requests and the client's responses.
const APPROVAL: &str = "approval";

/// The most of a preview the question shows.
const SHOWN_CHARS: usize = 4_000;

/// The form put to the person.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(title = "Apply this change in Hostaway?")]
struct Approval {
    /// Apply the change shown above.
    #[serde(default = "yes")]
    apply: bool,
}

fn yes() -> bool {
    true
}

/// How the person can be asked, by what the client declared.
pub(super) enum Asking {
    /// A 2025 session with elicitation: ask now and wait.
    Session,
    /// 2026-07-28 with elicitation: answer input-required, or read the answer the retry brings.
    InputRequired,
}

impl Asking {
    /// How the client of `context` can ask its user, if it can (form elicitation declared).
    pub(super) fn of(request: &CallToolRequestParams, context: &RequestContext<RoleServer>) -> Option<Self> {
        let answering = request.request_state.is_some() || request.input_responses.is_some();
        let form = context
            .client_capabilities()
            .and_then(|capabilities| capabilities.elicitation)
            .is_some_and(|elicitation| elicitation.form.is_some() || elicitation.url.is_none());
        let modern = context.protocol_version().is_some_and(|version| !version.has_initialize());
        match (form || answering, modern) {
            (false, _) => None,
            (true, true) => Some(Self::InputRequired),
            (true, false) => Some(Self::Session),
        }
    }
}

impl HostawayServer {
    /// Puts the previewed `effect` of the confirm `request` to the person and applies it on approval.
    pub(super) async fn ask(
        &self,
        asking: Asking,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
        started: Instant,
        effect: Value,
    ) -> Result<CallToolResponse, ErrorData> {
        let tool = request.name.to_string();
        let arguments = request.arguments.clone().unwrap_or_default();
        match asking {
            Asking::Session => {
                let asked = Instant::now();
                let answer = context
                    .peer
                    .create_elicitation_with_timeout(self.question(&tool, &effect)?, Some(APPROVAL_WAIT))
                    .await;
                // The person's time does not count against the tool's deadline.
                let started = started + asked.elapsed();
                match answer {
                    Ok(answer) if approves(&answer) => {
                        let saw = fingerprint(&effect);
                        match self.preview(&request, &context, started).await? {
                            Ok(fresh) => self.apply_if_seen(request, context, started, &saw, fresh).await,
                            Err(failed) => Ok(failed),
                        }
                    }
                    Ok(answer) => Ok(not_applied(&tool, &answer)),
                    Err(error) => {
                        Ok(CallToolResponse::Complete(CallToolResult::error(vec![ContentBlock::text(format!(
                            "Not applied: the user could not be asked to approve {tool} ({error}). Nothing changed."
                        ))])))
                    }
                }
            }
            Asking::InputRequired => {
                let Some(state) = request.request_state.as_deref() else {
                    return self.input_required(&tool, &arguments, &effect).await;
                };
                let saw = match self.seal.open(Purpose::Approval, state, &tool, &arguments) {
                    Ok(saw) => saw,
                    Err(Broken::Expired) => return self.input_required(&tool, &arguments, &effect).await,
                    Err(Broken::Foreign) => {
                        return Err(ErrorData::invalid_params(
                            "requestState is not this server's state for this tool call and these arguments",
                            None,
                        ));
                    }
                };
                let answer = request
                    .input_responses
                    .as_ref()
                    .and_then(|responses| responses.get(APPROVAL))
                    .and_then(|answer| serde_json::from_value::<ElicitResult>(answer.clone()).ok());
                match answer {
                    Some(answer) if approves(&answer) => {
                        self.apply_if_seen(request, context, started, &saw, super::Preview { effect }).await
                    }
                    Some(answer) => Ok(not_applied(&tool, &answer)),
                    None => self.input_required(&tool, &arguments, &effect).await,
                }
            }
        }
    }

    /// The form asking the person about `effect`.
    fn question(&self, tool: &str, effect: &Value) -> Result<ElicitRequestParams, ErrorData> {
        let title =
            self.tool_router.get(tool).and_then(|declared| declared.title.clone()).unwrap_or_else(|| tool.to_string());
        let mut shown = effect.clone();
        if let Value::Object(fields) = &mut shown {
            fields.remove("status");
        }
        let mut shown = shown.to_string();
        if shown.chars().count() > SHOWN_CHARS {
            shown = shown.chars().take(SHOWN_CHARS).chain("…".chars()).collect();
        }
        let requested_schema = ElicitationSchema::from_type::<Approval>()
            .map_err(|error| ErrorData::internal_error(format!("the approval form: {error}"), None))?;
        Ok(ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: format!("{title}: apply this change in Hostaway?\n\n{shown}"),
            requested_schema,
        })
    }

    /// An input-required answer asking the person about `effect`, with the sealed state the
    /// retry must bring back.
    async fn input_required(
        &self,
        tool: &str,
        arguments: &JsonObject,
        effect: &Value,
    ) -> Result<CallToolResponse, ErrorData> {
        let question = InputRequest::Elicitation(ElicitRequest::new(self.question(tool, effect)?));
        let state = self.seal.seal(Purpose::Approval, tool, arguments, effect);
        Ok(CallToolResponse::InputRequired(InputRequiredResult::new(
            Some([(APPROVAL.to_string(), question)].into()),
            Some(state),
        )))
    }
}

/// Whether the person approved: accepted the form without unticking `apply`.
fn approves(answer: &ElicitResult) -> bool {
    answer.action == ElicitationAction::Accept
        && answer
            .content
            .as_ref()
            .map_or(Some(true), |content| serde_json::from_value::<Approval>(content.clone()).ok().map(|a| a.apply))
            .unwrap_or(false)
}

/// The answer when the person did not approve.
fn not_applied(tool: &str, answer: &ElicitResult) -> CallToolResponse {
    let how = match answer.action {
        ElicitationAction::Accept => "did not approve",
        ElicitationAction::Decline => "declined",
        _ => "dismissed the question about",
    };
    CallToolResponse::Complete(CallToolResult::error(vec![ContentBlock::text(format!(
        "Not applied: the user {how} {tool}. Nothing changed in Hostaway."
    ))]))
}
