// Renders a view in headless Chromium through the test host, as a person would see it, and
// prints what its page holds. Usage:
//   node render.mjs <chromium> <host.html> <case.json> <screenshot folder>
// case.json: {"view": "<name>", "html": "...", "args": {...}, "result": {...}}. For each theme it
// waits for the view to draw, reads what the view shows (PROBES), saves
// <folder>/<view>-<theme>.png, then uses the view's first action, if it has one, by keyboard and
// reports what the view asked the host.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** Per view: what to wait for, what to read, and the control whose action asks the host. */
const PROBES = {
  "portfolio-calendar": {
    ready: "table tbody tr",
    action: "td.free",
    read: (view) =>
      view.locator("table").evaluate((table) => ({
        columns: table.querySelectorAll("thead th").length,
        rows: [...table.querySelectorAll("tbody tr")].map((row) => ({
          listing: Number(row.getAttribute("data-listing")),
          nights: row.querySelectorAll("td.night").length,
          states: Object.fromEntries(
            ["free", "gap", "booked", "blocked"].map((state) => [state, row.querySelectorAll(`td.${state}`).length]),
          ),
        })),
      })),
  },
  inbox: {
    ready: "ul.inbox li",
    action: "ul.inbox li button",
    read: (view) =>
      view.locator("main").evaluate((main) => ({
        heading: main.querySelector("h1")?.textContent,
        sections: [...main.querySelectorAll("section")].map((section) => section.getAttribute("data-urgency")),
        items: [...main.querySelectorAll("ul.inbox li")].map((item) => ({
          conversation: Number(item.getAttribute("data-conversation")),
          urgency: item.closest("section")?.getAttribute("data-urgency"),
          message: item.querySelector(".message")?.textContent,
        })),
      })),
  },
  revenue: {
    ready: ".bar",
    read: (view) =>
      view.locator("main").evaluate((main) => ({
        bars: [...main.querySelectorAll(".bar")].map((bar) => ({
          label: bar.querySelector(".label")?.textContent,
          amount: Number(bar.getAttribute("data-amount")),
          width: bar.querySelector(".fill")?.getBoundingClientRect().width,
        })),
        rows: [...main.querySelectorAll("table.figures tbody tr")].map((row) => Number(row.getAttribute("data-amount"))),
        total: Number(main.querySelector("table.figures tfoot td.revenue")?.getAttribute("data-amount")),
      })),
  },
  "owner-statement": {
    ready: "article.statement, ul.statements li",
    read: (view) =>
      view.locator("main").evaluate((main) => ({
        heading: main.querySelector("h1")?.textContent,
        facts: Object.fromEntries(
          [...main.querySelectorAll("dt")].map((term) => [term.textContent, term.nextElementSibling?.textContent]),
        ),
        totals: [...main.querySelectorAll("table.figures tbody tr")].map((row) => [
          row.querySelector("th")?.textContent,
          row.querySelector("td")?.textContent,
        ]),
        notes: main.querySelector(".notes")?.textContent ?? null,
        listed: [...main.querySelectorAll("ul.statements li")].map((item) => Number(item.getAttribute("data-statement"))),
      })),
  },
};

const [executablePath, hostPage, casePath, shots] = process.argv.slice(2);
const seen = JSON.parse(readFileSync(casePath, "utf8"));
const probe = PROBES[seen.view];
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const report = { themes: {} };
try {
  for (const theme of ["light", "dark"]) {
    const page = await browser.newPage({ viewport: { width: 400, height: 720 }, colorScheme: theme });
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto(pathToFileURL(hostPage).href);
    await page.evaluate(([html, args, result, theme]) => window.mount(html, args, result, theme), [seen.html, seen.args, seen.result, theme]);
    const view = page.frameLocator("iframe");
    await view.locator(probe.ready).first().waitFor({ timeout: 10000 });
    const shown = await probe.read(view);
    const background = await view.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor);
    const shot = join(shots, `${seen.view}-${theme}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    let asked = null;
    const control = probe.action ? view.locator(probe.action).first() : null;
    if (control && (await control.count()) > 0) {
      await control.focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.asked.length > 0, null, { timeout: 5000 });
      asked = await page.evaluate(() => window.asked[0]);
    }
    report.themes[theme] = { ...shown, background, asked, shot, errors };
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
