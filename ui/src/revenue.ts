// A revenue report as bars and the table they come from: one bar per group (month, listing or
// channel) as long as its accommodation revenue, and a row per group with nights sold,
// occupancy, revenue, ADR and RevPAR, each amount with its currency, then the totals.
import { el, start } from "./view";

interface Money { amount: number; currency: string }
interface Row {
  group?: string;
  listing_id?: number;
  bookings: number;
  nights_sold: number;
  available_nights?: number;
  occupancy?: number;
  accommodation_revenue: Money;
  room_revenue?: Money;
  adr?: Money;
  revpar?: Money;
}
interface Report { start_date: string; end_date: string; group_by: string; groups: Row[]; totals: Row; listings: number }

function money(value?: Money): string {
  if (!value) return "–";
  const amount = value.amount.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${amount} ${value.currency}`;
}

function percent(share?: number): string {
  return share === undefined ? "–" : `${(share * 100).toFixed(1)}%`;
}

function render(report: Report) {
  const view = document.getElementById("view")!;
  view.replaceChildren();
  view.append(el("h1", {}, `Revenue, ${report.start_date} to ${report.end_date}`));
  view.append(el("p", { class: "muted" }, `By ${report.group_by}, ${report.listings} listing(s).`));
  const largest = Math.max(0, ...report.groups.map((row) => row.accommodation_revenue.amount));
  const bars = el("div", { class: "bars", role: "list", "aria-label": "Accommodation revenue by group" });
  for (const row of report.groups) {
    const name = row.group ?? String(row.listing_id ?? "");
    const share = largest > 0 ? (row.accommodation_revenue.amount / largest) * 100 : 0;
    const bar = el("div", { class: "bar", role: "listitem", "data-amount": String(row.accommodation_revenue.amount), tabindex: "0", title: `${name}: ${money(row.accommodation_revenue)}` });
    bar.append(el("span", { class: "label" }, name), el("span", { class: "fill", style: `width: ${share.toFixed(2)}%` }), el("span", { class: "value" }, money(row.accommodation_revenue)));
    bars.append(bar);
  }
  view.append(bars);
  const table = el("table", { class: "figures", "aria-label": "Revenue by group" });
  const head = el("tr");
  for (const title of ["Group", "Nights", "Occupancy", "Revenue", "ADR", "RevPAR"]) head.append(el("th", { scope: "col" }, title));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  const line = (row: Row, total: boolean) => {
    const tr = el("tr", total ? { class: "total" } : { "data-amount": String(row.accommodation_revenue.amount) });
    tr.append(
      el("th", { scope: "row" }, total ? "Total" : (row.group ?? String(row.listing_id ?? ""))),
      el("td", {}, String(row.nights_sold)),
      el("td", {}, percent(row.occupancy)),
      el("td", { class: "revenue", "data-amount": String(row.accommodation_revenue.amount) }, money(row.accommodation_revenue)),
      el("td", {}, money(row.adr)),
      el("td", {}, money(row.revpar)),
    );
    return tr;
  };
  for (const row of report.groups) body.append(line(row, false));
  const foot = el("tfoot");
  foot.append(line(report.totals, true));
  table.append(thead, body, foot);
  const scroll = el("div", { class: "scroll" });
  scroll.append(table);
  view.append(scroll);
}

await start<Report>("hostaway-revenue", (_app, report) => {
  if (Array.isArray(report.groups)) render(report);
});
