// Every page of the default site loads under `Content-Security-Policy: default-src 'self'` without a CSP
// violation, a console error, an uncaught exception or a failed request.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { newContext, tabPool } from "./lib/browser.js";
import { closeSiteAndBrowser, openSiteAndBrowser } from "./lib/fixture.js";

const TABS = 3;

let site;
let browser;

before(async () => {
  ({ site, browser } = await openSiteAndBrowser());
});

after(() => closeSiteAndBrowser({ site, browser }));

for (const scheme of ["light", "dark"]) {
  test(`no CSP violation or console error, ${scheme} scheme`, { concurrency: TABS }, async (t) => {
    const context = await newContext(browser, { scheme });
    const tabs = await tabPool(context, TABS);
    try {
      assert.ok(site.pages.length > 1, `the default site built only ${site.pages.length} page(s)`);
      await Promise.all(
        site.pages.map((path) =>
          t.test(path, () =>
            tabs.use(async (tab) => {
              const { problems } = await tab.visit(site.url + path, { idle: true });
              assert.deepEqual(problems, [], `${path} [${scheme}]`);
            }),
          ),
        ),
      );
    } finally {
      await context.close();
    }
  });
}

test("a missing page gets the site's 404 page, status 404, styled without CSP violations", async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    const violations = [];
    page.on("console", (m) => m.type() === "error" && !/status of 404/.test(m.text()) && violations.push(m.text()));
    const response = await page.goto(`${site.url}/no-such-page/`, { waitUntil: "networkidle" });
    assert.equal(response.status(), 404);
    assert.deepEqual(violations, []);
    const styled = await page.evaluate(() => [...document.styleSheets].some((s) => s.href && s.cssRules.length > 0));
    assert.ok(styled, "the 404 page loaded no stylesheet");
  } finally {
    await context.close();
  }
});
