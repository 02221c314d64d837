// The portfolio calendar as a grid: a row per listing, a column per night, each night coloured
// by what it is (free, gap, booked, blocked). A free or gap night asks the host to quote the run
// it belongs to; every night is reachable by keyboard and says what it is on hover and focus.
import type { App } from "@modelcontextprotocol/ext-apps";
import { ask, el, start } from "./view";

type State = "free" | "gap" | "booked" | "blocked";
interface Run { state: State; from: string; to: string; price_from?: number; price_to?: number; min_stay?: number }
interface ListingNights { listing_id: number; name?: string; free: number; gap: number; booked: number; blocked: number; runs: Run[] }
interface PortfolioCalendar {
  start_date: string;
  end_date: string;
  listings: ListingNights[];
  next_cursor?: string;
  complete: boolean;
  incomplete_reason?: string;
}

const WORDS: Record<State, string> = { free: "free", gap: "gap night (too short to sell)", booked: "booked", blocked: "blocked" };

/** The days from `start` to `end`, inclusive, as YYYY-MM-DD (UTC arithmetic on plain dates). */
function days(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); d <= new Date(`${end}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** The day after `day`: a run's last night is `to`, so a stay over it checks out the day after. */
function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function price(run: Run): string {
  if (run.price_from === undefined) return "";
  return run.price_to !== undefined && run.price_to !== run.price_from ? `, ${run.price_from}–${run.price_to} a night` : `, ${run.price_from} a night`;
}

function render(app: App, calendar: PortfolioCalendar, today: string) {
  const view = document.getElementById("view")!;
  view.replaceChildren();
  view.append(el("h1", {}, `Portfolio calendar, ${calendar.start_date} to ${calendar.end_date}`));
  const legend = el("div", { class: "legend" });
  for (const state of ["free", "gap", "booked", "blocked"] as State[]) {
    const key = el("span", { style: `--swatch: var(--${state})` }, state);
    legend.append(key);
  }
  view.append(legend);
  const nights = days(calendar.start_date, calendar.end_date);
  const table = el("table", { "aria-label": "Nights by listing" });
  const head = el("tr");
  head.append(el("th", { class: "listing", scope: "col" }, "Listing"));
  for (const night of nights) {
    head.append(el("th", { scope: "col", class: night === today ? "today" : "", title: night }, night.slice(8)));
  }
  const thead = el("thead");
  thead.append(head);
  table.append(thead);
  const body = el("tbody");
  for (const listing of calendar.listings) {
    const row = el("tr", { "data-listing": String(listing.listing_id) });
    const name = listing.name ?? `Listing ${listing.listing_id}`;
    row.append(el("th", { class: "listing", scope: "row", title: `${name}: ${listing.free} free, ${listing.gap} gap, ${listing.booked} booked, ${listing.blocked} blocked` }, name));
    for (const run of listing.runs) {
      for (const night of days(run.from, run.to)) {
        const label = `${name}, ${night}: ${WORDS[run.state]} (${run.from} to ${run.to}${price(run)})`;
        const cell = el("td", { class: `night ${run.state}${night === today ? " today" : ""}`, title: label, "aria-label": label, tabindex: "0", "data-state": run.state });
        if (run.state === "free" || run.state === "gap") {
          const quote = () => ask(app, `Quote a stay at ${name} (listing ${listing.listing_id}) from ${run.from} to ${dayAfter(run.to)}.`);
          cell.addEventListener("click", () => void quote());
          cell.addEventListener("keydown", (event) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              void quote();
            }
          });
        }
        row.append(cell);
      }
    }
    body.append(row);
  }
  table.append(body);
  const scroll = el("div", { class: "scroll" });
  scroll.append(table);
  view.append(scroll);
  if (!calendar.complete || calendar.next_cursor) {
    const why = calendar.incomplete_reason ?? "more listings follow; ask for the next page";
    view.append(el("p", { class: "note muted" }, `Not every listing is shown: ${why}.`));
  }
}

const todayHere = new Date().toISOString().slice(0, 10);
await start<PortfolioCalendar>("hostaway-portfolio-calendar", (app, calendar) => {
  if (Array.isArray(calendar.listings)) render(app, calendar, todayHere);
});
