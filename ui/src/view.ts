// What every view shares: elements built from text only (what guests wrote is shown, never run
// as markup), and the connection to the host with its theme.
import { App, applyDocumentTheme, applyHostStyleVariables } from "@modelcontextprotocol/ext-apps";
import "./theme.css";

/** An element with attributes and, optionally, text (never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Asks the assistant, through the host, to do `text` as if the person had typed it. */
export async function ask(app: App, text: string) {
  await app.sendMessage({ role: "user", content: [{ type: "text", text }] });
}

/** Connects the view `name` to its host: `draw` runs on each tool result with its structured content. */
export async function start<T>(name: string, draw: (app: App, answer: T) => void) {
  const app = new App({ name, version: "1.0.0" });
  app.ontoolresult = (result) => {
    if (result.structuredContent) draw(app, result.structuredContent as T);
  };
  const theme = (context: ReturnType<App["getHostContext"]>) => {
    if (context?.theme) applyDocumentTheme(context.theme);
    if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
  };
  app.onhostcontextchanged = theme;
  await app.connect();
  theme(app.getHostContext());
}
