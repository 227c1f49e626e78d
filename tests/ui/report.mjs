// Report pages in a real browser: Debian's Chromium, headless, driven by
// playwright-core. For each page: no console error or page error, nothing
// requested from another origin, no axe-core violation of WCAG 2.1 A/AA,
// screenshots at desktop and phone widths, and a printed A4 PDF whose text holds
// what the caller expects.
//
//   node tests/ui/report.mjs ARTIFACTS_DIR NAME=URL [NAME=URL ...]
//
// WAYMARK_TOKEN, when set, is sent as `Authorization: Bearer` with every
// request. EXPECT_<NAME> (env, NAME upper-cased with non-alphanumerics as _)
// lists comma-separated strings the PDF's text must contain. PDF text comes
// from pdftotext (Debian's poppler-utils), which must be on the PATH.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { AxeBuilder } from "@axe-core/playwright";
import { chromium } from "playwright-core";

const [artifacts, ...pairs] = process.argv.slice(2);
const pages = pairs.map((p) => {
  const eq = p.indexOf("=");
  return eq > 0 ? { name: p.slice(0, eq), url: p.slice(eq + 1) } : null;
});
if (!artifacts || pages.length === 0 || pages.includes(null)) {
  console.error("usage: node tests/ui/report.mjs ARTIFACTS_DIR NAME=URL [NAME=URL ...]");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const A4 = { width: 595.28, height: 841.89 };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

function expected(name) {
  const key = `EXPECT_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
  return (process.env[key] || "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

// Every page's MediaBox, read from the PDF bytes: Chromium writes them as plain
// text (`/MediaBox [0 0 595.92 842.88]`), page objects are not compressed.
function mediaBoxes(pdf) {
  const text = pdf.toString("latin1");
  return [...text.matchAll(/\/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]/g)].map(
    (m) => ({ width: Number(m[3]) - Number(m[1]), height: Number(m[4]) - Number(m[2]) }),
  );
}

function pdfText(path) {
  return execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", path, "-"], { encoding: "utf8" });
}

// pdftotext breaks lines and may space words out; compare on single spaces.
const squash = (s) => s.replace(/\s+/g, " ");

function describe(violation) {
  const nodes = violation.nodes
    .slice(0, 5)
    .map((n) => `      ${n.target.join(" ")}\n        ${n.failureSummary?.replace(/\n/g, "\n        ")}`)
    .join("\n");
  const more = violation.nodes.length > 5 ? `\n      … and ${violation.nodes.length - 5} more` : "";
  return `  [${violation.impact}] ${violation.id}: ${violation.help}\n    ${violation.helpUrl}\n${nodes}${more}`;
}

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
const failures = [];
const failed = new Set();
try {
  const token = process.env.WAYMARK_TOKEN;
  const context = await browser.newContext({
    viewport: DESKTOP,
    extraHTTPHeaders: token ? { Authorization: `Bearer ${token}` } : {},
  });
  for (const { name, url } of pages) {
    const origin = new URL(url).origin;
    const fail = (what) => {
      failures.push(`${name}: ${what}`);
      failed.add(name);
    };
    const elsewhere = [];
    const errors = [];
    const page = await context.newPage();
    // Every request the page makes is seen here; one not for the server under
    // test is refused and remembered.
    await page.route("**/*", (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + "/") || u.startsWith("data:")) return route.continue();
      elsewhere.push(u);
      return route.abort();
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));

    const response = await page.goto(url, { waitUntil: "networkidle" });
    if (!response || !response.ok()) fail(`answered ${response ? response.status() : "nothing"}`);

    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    if (axe.violations.length > 0) {
      fail(`${axe.violations.length} axe violation(s):\n${axe.violations.map(describe).join("\n")}`);
    }

    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    // At phone width the page itself must not scroll sideways; wide tables scroll
    // in their own region.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) fail(`scrolls sideways by ${overflow}px at ${PHONE.width}px wide`);
    await page.screenshot({ path: join(artifacts, `${name}-mobile.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);

    await page.emulateMedia({ media: "print" });
    const pdfPath = join(artifacts, `${name}.pdf`);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    writeFileSync(pdfPath, pdf);
    await page.emulateMedia({ media: "screen" });

    const boxes = mediaBoxes(pdf);
    const notA4 = boxes.filter((b) => Math.abs(b.width - A4.width) > 2 || Math.abs(b.height - A4.height) > 2);
    if (boxes.length === 0) fail("no MediaBox found in the PDF");
    if (notA4.length > 0) fail(`PDF pages not A4: ${JSON.stringify(notA4[0])}`);
    const text = squash(pdfText(pdfPath));
    const missing = expected(name).filter((s) => !text.includes(squash(s)));
    if (missing.length > 0) fail(`PDF text lacks: ${missing.map((s) => JSON.stringify(s)).join(", ")}`);

    if (elsewhere.length > 0) fail(`requests that left the server under test:\n  ${elsewhere.join("\n  ")}`);
    if (errors.length > 0) fail(`errors in the page:\n  ${errors.join("\n  ")}`);

    console.log(
      `${name}: ${url} — axe ${axe.violations.length} violations, ${axe.passes.length} rules passed, ` +
        `${axe.incomplete.length} to review${axe.incomplete.length ? ` (${axe.incomplete.map((r) => r.id).join(", ")})` : ""}; PDF ${boxes.length} A4 page(s), ` +
        `${expected(name).length - missing.length}/${expected(name).length} expected strings; ` +
        `${elsewhere.length} requests elsewhere; ${errors.length} errors`,
    );
    await page.close();
  }
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`\nFAILED:\n${failures.join("\n")}`);
}
console.log(`${pages.length - failed.size} passed, ${failed.size} failed`);
process.exit(failures.length > 0 ? 1 : 0);
