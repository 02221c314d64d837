// The unread inbox by urgency: guests in house, then arrivals, then the rest, each conversation
// with how long the guest has waited, the stay and the latest message (as text: guests wrote
// it). "Reply" asks the assistant to draft an answer in that conversation.
import type { App } from "@modelcontextprotocol/ext-apps";
import { ask, el, start } from "./view";

type Urgency = "in_house" | "arriving" | "other";
interface Conversation {
  conversation_id: number;
  reservation_id?: number;
  listing_id?: number;
  listing_name?: string;
  urgency: Urgency;
  guest_name?: string;
  waiting_since?: string;
  waiting_hours?: number;
  last_message?: string;
  check_in?: string;
  check_out?: string;
  status?: string;
}
interface Inbox { conversations: Conversation[]; unread_total: number; complete: boolean; next_cursor?: string; today: string; time_zone: string }

const GROUPS: [Urgency, string][] = [["in_house", "Staying now"], ["arriving", "Arriving"], ["other", "Other"]];

/** "3 h", "2 d 4 h": how long a guest has waited. */
function waited(hours?: number): string {
  if (hours === undefined) return "waiting";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.floor(hours / 24)} d ${Math.round(hours % 24)} h`;
}

function render(app: App, inbox: Inbox) {
  const view = document.getElementById("view")!;
  view.replaceChildren();
  view.append(el("h1", {}, `Unread: ${inbox.unread_total}`));
  view.append(el("p", { class: "muted" }, `Today is ${inbox.today} (${inbox.time_zone}).`));
  for (const [urgency, title] of GROUPS) {
    const rows = inbox.conversations.filter((c) => c.urgency === urgency);
    if (rows.length === 0) continue;
    const section = el("section", { "data-urgency": urgency, "aria-label": title });
    section.append(el("h2", {}, `${title} (${rows.length})`));
    const list = el("ul", { class: "inbox" });
    for (const c of rows) {
      const guest = c.guest_name ?? "A guest";
      const item = el("li", { "data-conversation": String(c.conversation_id) });
      const head = el("div", { class: "who" });
      head.append(el("strong", {}, guest), el("span", { class: "waited" }, waited(c.waiting_hours)));
      const stay = [c.listing_name, c.check_in && c.check_out ? `${c.check_in} to ${c.check_out}` : undefined, c.status]
        .filter(Boolean)
        .join(" · ");
      const reply = el("button", { type: "button" }, "Reply");
      reply.addEventListener("click", () =>
        void ask(app, `Draft a reply to ${guest} in conversation ${c.conversation_id}, and show it to me before sending.`),
      );
      item.append(head, el("div", { class: "muted stay" }, stay), el("p", { class: "message" }, c.last_message ?? ""), reply);
      list.append(item);
    }
    section.append(list);
    view.append(section);
  }
  if (inbox.next_cursor || !inbox.complete) {
    view.append(el("p", { class: "note muted" }, "More unread conversations than shown: ask for the next page."));
  }
}

await start<Inbox>("hostaway-inbox", (app, inbox) => {
  if (Array.isArray(inbox.conversations)) render(app, inbox);
});
