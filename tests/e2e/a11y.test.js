// Every page of the default site passes axe-core's WCAG 2.1 A and AA rules in the light and the dark colour
// scheme, at desktop and at phone width; and at desktop width with the theme toggled against the system scheme
// (the `[data-theme]` rules are separate CSS from the `prefers-color-scheme` ones).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { formatViolations, runAxe } from "./lib/axe.js";
import { newContext, openPage, tabPool, VIEWPORTS } from "./lib/browser.js";
import { closeSiteAndBrowser, openSiteAndBrowser } from "./lib/fixture.js";

const TABS = 3;

const SCENARIOS = [
  { scheme: "light", width: "desktop" },
  { scheme: "light", width: "mobile" },
  { scheme: "dark", width: "desktop" },
  { scheme: "dark", width: "mobile" },
  { scheme: "light", width: "desktop", toggled: "dark" },
  { scheme: "dark", width: "desktop", toggled: "light" },
];

let site;
let browser;

before(async () => {
  ({ site, browser } = await openSiteAndBrowser());
});

after(() => closeSiteAndBrowser({ site, browser }));

for (const { scheme, width, toggled } of SCENARIOS) {
  const viewport = VIEWPORTS[width];
  const name = `${scheme} scheme${toggled ? `, toggled to ${toggled}` : ""}, ${viewport.width}px`;
  describe(`axe: ${name}`, () => {
    let context;
    let tabs;
    before(async () => {
      context = await newContext(browser, { scheme, viewport });
      if (toggled) {
        // The toggle stores the choice for the origin, so every later page of this context uses it.
        const { page } = await openPage(context, site.url + "/");
        await page.getByRole("button", { name: /theme/i }).click();
        await page.close();
      }
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
              await tab.visit(site.url + path);
              if (toggled) {
                const theme = await tab.page.evaluate(() => document.documentElement.getAttribute("data-theme"));
                assert.equal(theme, toggled, `${path}: the toggled theme was not applied`);
              }
              const violations = await runAxe(tab.page);
              assert.deepEqual(formatViolations(`${path} [${name}]`, violations), []);
            }),
          ),
        ),
      );
    });
  });
}
