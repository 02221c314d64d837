//! A tool's arguments, read so that one that does not fit is named precisely.
//!
//! rmcp's own `Parameters` reports only serde's message ("invalid type: string, expected u32"),
//! not which argument it is about. This wrapper reads the same JSON with the argument's path, so
//! the model is told "invalid argument `limit`: …" and can fix its call. It is named `Parameters`
//! on purpose: rmcp's `#[tool]` takes the input schema from the argument of that name, so a
//! tool's argument type is declared once, in its signature.

use rmcp::{
    ErrorData,
    handler::server::{common::FromContextPart, tool::ToolCallContext},
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

/// rmcp turns an extraction error that starts with this into a tool error (`isError: true`)
/// rather than a protocol error; the server strips it before the model sees the message.
pub const UNREADABLE_ARGUMENTS: &str = "failed to deserialize parameters:";

/// The arguments of one tool call, deserialized into the tool's argument type.
#[derive(Debug)]
pub struct Parameters<T>(pub T);

impl<T: JsonSchema> JsonSchema for Parameters<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

impl<S, T: DeserializeOwned> FromContextPart<ToolCallContext<'_, S>> for Parameters<T> {
    fn from_context_part(context: &mut ToolCallContext<'_, S>) -> Result<Self, ErrorData> {
        let arguments = serde_json::Value::Object(context.arguments.take().unwrap_or_default());
        serde_path_to_error::deserialize::<_, T>(arguments).map(Parameters).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let explained = if path == "." { inner.to_string() } else { format!("invalid argument `{path}`: {inner}") };
            ErrorData::invalid_params(
                format!("{UNREADABLE_ARGUMENTS} {explained}; see the inputSchema of {}", context.name),
                None,
            )
        })
    }
}
