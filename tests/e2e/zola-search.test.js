// Issue 14: a Zola site's own search box works on Quire's output (tests/fixtures/e2e-zola-search, under
// `Content-Security-Policy: default-src 'self'`): elasticlunr.min.js loads Zola's index (search_index.en.json),
// a query lists the pages that have its words, stemmed as elasticlunr stems them, with their titles and
// permalinks. Screenshot in target/e2e-screenshots/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { newContext, openPage } from "./lib/browser.js";
import { closeSiteAndBrowser, openSiteAndBrowser } from "./lib/fixture.js";
import { REPO_ROOT } from "./lib/site.js";

const FIXTURE = join(REPO_ROOT, "tests/fixtures/e2e-zola-search");
const SCREENSHOTS = join(REPO_ROOT, "target/e2e-screenshots");

let site;
let browser;

before(async () => {
  ({ site, browser } = await openSiteAndBrowser({ root: FIXTURE }));
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(() => closeSiteAndBrowser({ site, browser }));

/** The results' titles and links after typing `query` into the box. */
async function search(page, query) {
  await page.fill("#search", query);
  await page.waitForFunction((term) => document.getElementById("results").dataset.query === term, query);
  return page.$$eval("#results a", (links) => links.map((link) => [link.textContent, link.getAttribute("href")]));
}

test("the search box finds pages through Zola's index", async () => {
  const context = await newContext(browser);
  const { page, problems } = await openPage(context, site.url + "/");
  // "herd" finds "herds", as elasticlunr's stemmer has it; the title comes from the document in the index.
  assert.deepEqual(await search(page, "herd"), [["Zebras", `${site.url}/guide/zebras/`]]);
  assert.deepEqual(await search(page, "acacia trees"), [["Giraffes", `${site.url}/guide/giraffes/`]]);
  assert.deepEqual(await search(page, "unicorn"), []);
  await search(page, "zebras");
  await page.screenshot({ path: join(SCREENSHOTS, "zola-search.png") });
  await page.click("#results a");
  await page.waitForURL(`${site.url}/guide/zebras/`);
  assert.equal(await page.textContent("h1"), "Zebras");
  assert.deepEqual(problems, []);
  await context.close();
});
