// Renders a view in headless Chromium through the test host, as a person would see it, and
// prints what its page holds. Usage:
//   node render.mjs <chromium> <host.html> <case.json> <screenshot folder>
// case.json: {"view": "<name>", "html": "...", "args": {...}, "result": {...}}. For each theme it
// waits for the view to draw, reads the grid, saves <folder>/<view>-<theme>.png, then clicks the
// first free night and reports what the view asked the host.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [executablePath, hostPage, casePath, shots] = process.argv.slice(2);
const seen = JSON.parse(readFileSync(casePath, "utf8"));
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
    await view.locator("table tbody tr").first().waitFor({ timeout: 10000 });
    const rows = await view.locator("table tbody tr").evaluateAll((rows) =>
      rows.map((row) => ({
        listing: Number(row.getAttribute("data-listing")),
        nights: row.querySelectorAll("td.night").length,
        states: Object.fromEntries(
          ["free", "gap", "booked", "blocked"].map((state) => [state, row.querySelectorAll(`td.${state}`).length]),
        ),
      })),
    );
    const columns = await view.locator("table thead th").count();
    const background = await view.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor);
    const free = view.locator("td.free").first();
    let asked = null;
    if ((await free.count()) > 0) {
      await free.focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.asked.length > 0, null, { timeout: 5000 });
      asked = await page.evaluate(() => window.asked[0]);
    }
    const shot = join(shots, `${seen.view}-${theme}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    report.themes[theme] = { rows, columns, background, asked, shot, errors };
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
