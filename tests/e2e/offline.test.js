// `quire build --offline` opened from disk (issue 5): the default site built with --offline is browsed over
// file:// in Chromium, following links as a reader would — a card on the home page to a principle, the sidebar
// to a practice page, breadcrumbs back up — and every page loads (its <h1>), is styled by the theme's stylesheet
// and loads no missing file, at desktop and at phone width.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { launchBrowser, newContext, Tab, VIEWPORTS } from "./lib/browser.js";
import { buildSite } from "./lib/site.js";

let dir;
let site;
let browser;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "quire-offline-"));
  site = join(dir, "site");
  buildSite({ output: site, offline: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** file:// URL of `relative` in the built site. */
const onDisk = (relative) => pathToFileURL(join(site, relative)).href;

/**
 * Checks the page the tab shows now: its URL is `relative` on disk, its <h1> matches `h1`, the theme's
 * stylesheet applies, and nothing failed while it loaded (console errors, missing files).
 */
async function assertPage(tab, relative, h1) {
  const { page } = tab;
  await page.waitForLoadState("load");
  assert.equal(page.url(), onDisk(relative), "the page reached");
  const heading = await page.evaluate(() => document.querySelector("main h1")?.textContent.trim() ?? null);
  assert.match(heading ?? "(no <h1> in <main>)", h1, `${relative}: <h1>`);
  assert.ok((await page.title()).startsWith(heading), `${relative}: <title> ${await page.title()} does not start with the <h1>`);
  const style = await page.evaluate(() => ({
    font: getComputedStyle(document.body).fontFamily,
    bg: getComputedStyle(document.documentElement).getPropertyValue("--bg").trim(),
    margin: getComputedStyle(document.body).marginTop,
    display: getComputedStyle(document.body).display,
  }));
  // Without the stylesheet: a serif default font, no --bg, an 8px body margin and display: block.
  assert.match(style.font, /system-ui/, `${relative}: the theme's font does not apply (${style.font})`);
  assert.notEqual(style.bg, "", `${relative}: the theme's custom properties (--bg) are not defined`);
  assert.deepEqual([style.margin, style.display], ["0px", "flex"], `${relative}: the theme's body rules do not apply`);
  // Only now: a late resource (the favicon) may still be loading at the load event.
  await page.waitForLoadState("networkidle");
  assert.deepEqual(tab.problems, [], `${relative}: problems while the page loaded from disk`);
}

/** Clicks `link` (a Locator) in the tab and waits for the next page to load. */
async function follow(tab, link, what) {
  assert.equal(await link.count(), 1, `one link expected: ${what}`);
  tab.start(); // record the problems of the next page only
  await Promise.all([tab.page.waitForNavigation({ waitUntil: "load" }), link.click()]);
}

for (const [width, viewport] of Object.entries(VIEWPORTS)) {
  describe(`--offline build opened from disk, ${width} ${viewport.width}px`, () => {
    test("home → principle card → sidebar practice page → breadcrumbs back", async () => {
      const context = await newContext(browser, { viewport });
      try {
        const tab = await Tab.open(context);
        const { problems } = await tab.visit(onDisk("index.html"));
        assert.deepEqual([...problems], [], "problems while the home page loaded");
        await assertPage(tab, "index.html", /^Community with a Shared Future in Cyberspace$/);
        const { page } = tab;

        // A card on the home page to a principle.
        await follow(tab, page.locator(".cards .card-title a", { hasText: "Respecting sovereignty in cyberspace" }), "home card");
        await assertPage(tab, "principles/respecting-sovereignty/index.html", /^Respecting sovereignty in cyberspace$/);

        // The sidebar down to a practice page: it lists the top-level sections, the way to the current page and
        // the current section's children, so it takes a step per level (on a phone it folds into a "Menu" disclosure).
        for (const [target, title] of [
          ["practice/index.html", /practice/],
          ["practice/connectivity/index.html", /global connectivity/],
          ["practice/connectivity/internet-access/index.html", /Internet access/],
        ]) {
          const sidebarLink = page.locator(`nav.sidebar a[href$="${target}"]`).first();
          if (!(await sidebarLink.isVisible())) {
            const menu = page.locator("nav.sidebar summary");
            assert.ok(await menu.isVisible(), `the sidebar link to ${target} is hidden and no menu button shows it`);
            await menu.click();
          }
          await follow(tab, sidebarLink, `sidebar link to ${target}`);
          await assertPage(tab, target, title);
        }

        // Breadcrumbs back: to the practice area's section, then home.
        const crumbs = page.locator("nav.breadcrumbs");
        await follow(tab, crumbs.locator('a[href$="practice/connectivity/index.html"]'), "breadcrumb to the section");
        await assertPage(tab, "practice/connectivity/index.html", /global connectivity/);
        await follow(tab, page.locator("nav.breadcrumbs a", { hasText: /^Home$/ }), "breadcrumb to Home");
        await assertPage(tab, "index.html", /^Community with a Shared Future in Cyberspace$/);
      } finally {
        await context.close();
      }
    });
  });
}
