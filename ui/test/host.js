// A minimal MCP Apps host for the tests, on the SDK's host side (AppBridge): it loads a view in a
// sandboxed frame (scripts only: no same origin, no network, as a chat client would), hands it
// the tool's arguments and result, and records what the view asks of the host.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

window.asked = [];

/** Shows `html` for a call of a tool with `args` that answered `result`, in the host's `theme`. */
window.mount = async (html, args, result, theme) => {
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "allow-scripts");
  frame.title = "view";
  document.body.append(frame);
  const styles = theme === "dark"
    ? { "--color-background-primary": "#17191d", "--color-text-primary": "#e8eaee" }
    : { "--color-background-primary": "#ffffff", "--color-text-primary": "#1c1f24" };
  const bridge = new AppBridge(
    null,
    { name: "hostaway-mcp-test-host", version: "1.0.0" },
    { openLinks: {}, logging: {} },
    { hostContext: { theme, styles: { variables: styles }, displayMode: "inline" } },
  );
  bridge.onmessage = async (params) => {
    window.asked.push(params);
    return {};
  };
  const ready = new Promise((resolve) => {
    bridge.oninitialized = resolve;
  });
  await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
  frame.srcdoc = html;
  await ready;
  await bridge.sendToolInput({ arguments: args });
  await bridge.sendToolResult(result);
};
