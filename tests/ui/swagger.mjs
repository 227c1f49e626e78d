// Swagger UI in a real browser: Debian's Chromium, headless, driven by
// playwright-core. Opens /docs/, authorizes with a bearer token, runs "Try it
// out" on GET /api/v1/organisations and expects a 200 — and fails if the page
// asks for anything that is not on the server under test (Swagger UI's assets
// are vendored into the binary; nothing may come from elsewhere).
//
//   node tests/ui/swagger.mjs BASE_URL TOKEN SCREENSHOT.png

import { chromium } from "playwright-core";

const [base, token, screenshot] = process.argv.slice(2);
if (!base || !token || !screenshot) {
  console.error("usage: node tests/ui/swagger.mjs BASE_URL TOKEN SCREENSHOT.png");
  process.exit(2);
}
const origin = new URL(base).origin;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
  ],
});
const requested = [];
const elsewhere = [];
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  // Every request the page makes is seen here; one not for the server under
  // test is refused and remembered.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    requested.push(url);
    if (url.startsWith(origin + "/") || url.startsWith("data:")) {
      return route.continue();
    }
    elsewhere.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto(`${base}/docs/`, { waitUntil: "networkidle" });
  await page.waitForSelector(".swagger-ui .info .title", { timeout: 15000 });

  await page.click("button.authorize");
  await page.fill(".modal-ux .auth-container input", token);
  await page.click(".modal-ux .auth-btn-wrapper button.authorize");
  await page.click(".modal-ux button.btn-done");

  const operation = "#operations-organisations-organisation_list";
  await page.click(`${operation} .opblock-summary`);
  await page.click(`${operation} button.try-out__btn`);
  const answered = page.waitForResponse((r) => r.url().startsWith(`${origin}/api/v1/organisations`));
  await page.click(`${operation} button.execute`);
  // What "Try it out" sent as it stood: no filter may be filled in for the
  // person, or their first call would come back empty.
  const answer = await answered;
  const sent = new URL(answer.url());
  const listed = await answer.json().then((b) => (Array.isArray(b.items) ? b.items.length : -1), () => -1);
  const status = page.locator(`${operation} .live-responses-table tr.response .response-col_status`).first();
  await status.waitFor({ timeout: 15000 });
  const code = (await status.innerText()).trim();
  await status.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot, fullPage: false });

  console.log(`Swagger UI: GET /api/v1/organisations answered ${code}`);
  console.log(`${requested.length} requests, all to ${origin}: ${elsewhere.length === 0}`);
  console.log(`Try it out sent ${sent.pathname}${sent.search} and got ${listed} organisations`);
  if (listed < 1) {
    console.error("expected the demo organisations in the answer");
    failed = true;
  }
  const filters = [...sent.searchParams.keys()].filter((k) => k !== "limit");
  if (filters.length > 0) {
    console.error(`Try it out filled in filters by itself: ${filters.join(", ")}`);
    failed = true;
  }
  if (code !== "200") {
    console.error(`expected 200, got ${code}`);
    failed = true;
  }
  if (elsewhere.length > 0) {
    console.error(`requests that left the server under test:\n${elsewhere.join("\n")}`);
    failed = true;
  }
  if (!requested.some((u) => u.includes("/api-docs/openapi.json"))) {
    console.error("the page never loaded the OpenAPI document");
    failed = true;
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
