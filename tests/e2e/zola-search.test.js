// Issue 14: a Zola site's own search box works on Quire's output (tests/fixtures/e2e-zola-search, under
// `Content-Security-Policy: default-src 'self'`): elasticlunr.min.js loads Zola's index (search_index.en.json),
// a query lists the pages that have its words, stemmed as elasticlunr stems them, with their titles and
// permalinks. Screenshot in target/e2e-screenshots/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { newContext, openPage } from "./lib/browser.js";
import { SCREENSHOTS, useSiteAndBrowser } from "./lib/fixture.js";
import { REPO_ROOT } from "./lib/site.js";

const FIXTURE = join(REPO_ROOT, "tests/fixtures/e2e-zola-search");
const suite = useSiteAndBrowser({ root: FIXTURE });

/** The results' titles and links after typing `query` into the box. */
async function search(page, query) {
  await page.fill("#search", query);
  await page.waitForFunction((term) => document.getElementById("results").dataset.query === term, query);
  return page.$$eval("#results a", (links) => links.map((link) => [link.textContent, link.getAttribute("href")]));
}

test("the search box finds pages through Zola's index", async () => {
  const context = await newContext(suite.browser);
  const { page, problems } = await openPage(context, suite.site.url + "/");
  // "herd" finds "herds", as elasticlunr's stemmer has it; the title comes from the document in the index.
  assert.deepEqual(await search(page, "herd"), [["Zebras", `${suite.site.url}/guide/zebras/`]]);
  assert.deepEqual(await search(page, "acacia trees"), [["Giraffes", `${suite.site.url}/guide/giraffes/`]]);
  assert.deepEqual(await search(page, "unicorn"), []);
  await search(page, "zebras");
  await page.screenshot({ path: join(SCREENSHOTS, "zola-search.png") });
  await page.click("#results a");
  await page.waitForURL(`${suite.site.url}/guide/zebras/`);
  assert.equal(await page.textContent("h1"), "Zebras");
  assert.deepEqual(problems, []);
  await context.close();
});
