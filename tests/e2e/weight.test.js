// Every page of the default site weighs under 60 KB on first load: the HTML and every resource it pulls in
// (stylesheets, scripts, favicon...), response headers included, with an empty cache, as transferred by a host
// that gzips text (GitHub Pages, Netlify and CDNs in front of S3 all do). Uncompressed, the heaviest page is
// about 81 KB since the search script (27 KB) loads with every page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { newContext, tabPool } from "./lib/browser.js";
import { closeSiteAndBrowser, openSiteAndBrowser } from "./lib/fixture.js";

export const BUDGET_BYTES = 60_000;
/** "Transferred" bytes: gzip-compressed, as static hosts send text. */
const COMPRESSED = true;
const TABS = 3;

let site;
let browser;

before(async () => {
  ({ site, browser } = await openSiteAndBrowser({ compress: COMPRESSED }));
});

after(() => closeSiteAndBrowser({ site, browser }));

test(`every page loads in under ${BUDGET_BYTES} bytes`, { concurrency: TABS }, async (t) => {
  const context = await newContext(browser);
  const tabs = await tabPool(context, TABS);
  const weights = [];
  try {
    assert.ok(site.pages.length > 1, `the default site built only ${site.pages.length} page(s)`);
    await Promise.all(
      site.pages.map((path) =>
        t.test(path, () =>
          tabs.use(async (tab) => {
            // networkidle: the favicon is fetched after the load event.
            const { bytes, responses } = await tab.visit(site.url + path, { idle: true });
            weights.push([bytes, path]);
            const detail = responses.map((r) => `${new URL(r.url).pathname} ${r.bytes}`).join(", ");
            assert.ok(bytes < BUDGET_BYTES, `${path} weighs ${bytes} bytes (${detail}), over the ${BUDGET_BYTES}-byte budget`);
          }),
        ),
      ),
    );
  } finally {
    await context.close();
  }
  weights.sort((a, b) => b[0] - a[0]);
  t.diagnostic(`heaviest pages: ${weights.slice(0, 3).map(([bytes, path]) => `${path} ${bytes} B`).join(", ")}`);
});
