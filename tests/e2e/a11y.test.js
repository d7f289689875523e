// Every page of the default site passes axe-core's WCAG 2.1 A and AA rules in the light and the dark colour
// scheme, at desktop and at phone width.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { formatViolations, runAxe } from "./lib/axe.js";
import { launchBrowser, newContext, tabPool, VIEWPORTS } from "./lib/browser.js";
import { serveDefaultSite } from "./lib/site.js";

const TABS = 3;

let site;
let browser;

before(async () => {
  [site, browser] = await Promise.all([serveDefaultSite(), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

for (const scheme of ["light", "dark"]) {
  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    describe(`axe ${scheme} ${width} ${viewport.width}px`, () => {
      let context;
      let tabs;
      before(async () => {
        context = await newContext(browser, { scheme, viewport });
        tabs = await tabPool(context, TABS);
      });
      after(async () => {
        await context?.close();
      });

      // Pages are known only once the site is built, so they are subtests of one test.
      test("every page", { concurrency: TABS }, async (t) => {
        assert.ok(site.pages.length > 1, `the default site built only ${site.pages.length} page(s)`);
        await Promise.all(
          site.pages.map((path) =>
            t.test(path, () =>
              tabs.use(async (tab) => {
                await tab.visit(site.url + path, { expectStatus: path === "/404.html" ? 404 : 200 });
                const violations = await runAxe(tab.page);
                assert.deepEqual(formatViolations(`${path} [${scheme} ${viewport.width}px]`, violations), []);
              }),
            ),
          ),
        );
      });
    });
  }
}
