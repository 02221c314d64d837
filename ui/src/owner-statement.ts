// An owner statement as a page to print or save: the owner, the period, the listings and every
// total with its currency, and the statement's notes (as text: people wrote them). Called
// without a statement id, the tool lists the statements, shown here as a list by id and name.
import { el, start } from "./view";

interface Money { amount: number; currency: string }
interface Statement {
  statement_id: number;
  name?: string;
  owner?: string;
  from?: string;
  to?: string;
  currency?: string;
  listing_ids?: number[];
  totals?: { name?: string; value?: Money }[];
  notes?: string;
  statements?: { statement_id: number; name?: string }[];
}

function money(value?: Money): string {
  if (!value) return "–";
  return `${value.amount.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${value.currency}`;
}

function render(statement: Statement) {
  const view = document.getElementById("view")!;
  view.replaceChildren();
  const sheet = el("article", { class: "statement", "data-statement": String(statement.statement_id) });
  sheet.append(el("h1", {}, statement.name ?? `Owner statement ${statement.statement_id}`));
  const facts = el("dl");
  const fact = (term: string, value?: string) => {
    if (!value) return;
    facts.append(el("dt", {}, term), el("dd", {}, value));
  };
  fact("Owner", statement.owner);
  fact("Period", statement.from && statement.to ? `${statement.from} to ${statement.to}` : undefined);
  fact("Listings", statement.listing_ids?.join(", "));
  fact("Statement", String(statement.statement_id));
  sheet.append(facts);
  const table = el("table", { class: "figures", "aria-label": "Totals" });
  const body = el("tbody");
  for (const total of statement.totals ?? []) {
    const row = el("tr");
    row.append(el("th", { scope: "row" }, total.name ?? ""), el("td", { class: "amount" }, money(total.value)));
    body.append(row);
  }
  table.append(body);
  sheet.append(table);
  if (statement.notes) sheet.append(el("p", { class: "notes" }, statement.notes));
  const print = el("button", { type: "button", class: "no-print" }, "Print");
  print.addEventListener("click", () => window.print());
  view.append(sheet, print);
}

function renderList(statements: { statement_id: number; name?: string }[]) {
  const view = document.getElementById("view")!;
  const list = el("ul", { class: "statements", "aria-label": "Owner statements" });
  for (const item of statements) {
    list.append(el("li", { "data-statement": String(item.statement_id) }, `${item.statement_id} · ${item.name ?? ""}`));
  }
  view.replaceChildren(el("h1", {}, "Owner statements"), list);
}

await start<Statement>("hostaway-owner-statement", (_app, statement) => {
  if (statement.statement_id !== undefined) render(statement);
  else if (statement.statements) renderList(statement.statements);
});
