// The built-in search (issue "built-in search") in headless Chromium, on sites built by the quire binary:
//  1. ranking: a phrase and a name find the right page first, on the default site;
//  2. markup stays text: a query made of HTML, and page titles and headings holding <script> / <img onerror>,
//     run no script and create no element — with the harness's CSP and without any CSP;
//  3. keyboard: "/" focuses the box, typing opens a listbox, arrows move aria-activedescendant, Enter opens the
//     active option, Escape closes the list;
//  4. axe-core finds nothing with the list open, in the light and the dark scheme;
//  5. a Chinese site (tests/fixtures/e2e-search-cjk) is searchable with Chinese words (two-character bigrams);
//  6. an `--offline` build opened from disk (file://) searches and its results open the right file;
//  7. a site served under a subpath (/docs/) searches and its results stay under /docs/;
//  8. the first query on the default site downloads under 150 KB (search.js, search.css, manifest, shards,
//     records).
// No timing is asserted: every wait is for a state, with Playwright's default (generous) timeouts.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { formatViolations, runAxe } from "./lib/axe.js";
import { launchBrowser, newContext, Tab, VIEWPORTS } from "./lib/browser.js";
import { buildSite, REPO_ROOT, serveDefaultSite, serveSite } from "./lib/site.js";

const CJK_SITE = join(REPO_ROOT, "tests", "fixtures", "e2e-search-cjk");
const MARKUP_SITE = join(REPO_ROOT, "tests", "fixtures", "e2e-search-markup");

const BOX = "#quire-search-input";
const LIST = "#quire-search-results";
const STATUS = ".quire-search [role=status]";

// Queries and the pages they must find first on the default site (content/).
const PHRASE = "right of individual countries to choose independently";
const PHRASE_PAGE = "/principles/respecting-sovereignty/";
const PHRASE_TITLE = "Respecting sovereignty in cyberspace";
// "ICANN" is written in two files: content/glossary.md and content/practice/governance/internet-resources.md.
// In the glossary it is only front matter ([[extra.entries]] name and definition) that the glossary.html template
// shows; the index is built from each page's title, description and rendered Markdown body (SearchDoc in
// src/lib.rs), whose glossary body never names ICANN — so the glossary is not a match at all. The practice page
// has it in its description (weight 3) and twice in its body; no page has it in a title (16) or a heading (6).
// So by the ranking rules (title > heading > description > body) "Managing basic Internet resources" is first.
const NAME = "ICANN";
const NAME_PAGE = "/practice/governance/internet-resources/";
const NAME_TITLE = "Managing basic Internet resources";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/**
 * A tab in a new context that also records dialogs (alert, confirm...) and reads the CSP violations the harness
 * collects. `problems()` returns everything that went wrong so far.
 */
async function openTab({ scheme = "light", viewport = VIEWPORTS.desktop } = {}) {
  const context = await newContext(browser, { scheme, viewport });
  const tab = await Tab.open(context);
  const dialogs = [];
  tab.page.on("dialog", async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  const problems = async () => {
    const csp = await tab.page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
    return [...tab.problems, ...csp.map((v) => `CSP violation: ${v}`), ...dialogs.map((d) => `dialog: ${d}`)];
  };
  return { context, tab, page: tab.page, dialogs, problems, close: () => context.close() };
}

/** Loads `url` in the tab and waits for the search box to be revealed by search.js. */
async function visit(tab, url) {
  const { problems } = await tab.visit(url);
  assert.deepEqual(problems, [], `problems while ${url} loaded`);
  await tab.page.locator(BOX).waitFor({ state: "visible" });
}

/** What a result option shows as its title line: the page title, and " › heading" when it links to a heading. */
const label = (result) => result.title + (result.heading ? " › " + result.heading : "");

/**
 * Puts `query` in the search box (with `keyboard`, typed key by key into the focused box; otherwise filled in one
 * input event) and waits until the list shows what search.js's own `quireSearch.search` returns for it. Returns
 * { results: [{ title, heading, href }], labels: [option title lines], status }.
 */
async function searchFor(page, query, { keyboard = false } = {}) {
  if (keyboard) {
    await page.keyboard.type(query);
  } else {
    await page.locator(BOX).fill(query);
  }
  assert.equal(await page.locator(BOX).inputValue(), query, "the box holds the query");
  // The same function the box calls (it downloads what the query needs, so the box's own run then finds it all).
  const results = await page.evaluate(
    (q) => window.quireSearch.search(q, 10).then((rs) => rs.map((r) => ({ title: r.title, heading: r.heading, href: r.href }))),
    query,
  );
  // The box runs its query 60 ms after the last input event; a page timer set later for longer fires after it.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
  const expected = results.map(label);
  try {
    await page.waitForFunction(
      ([list, status, expected]) => {
        const titles = [...document.querySelectorAll(`${list} [role=option] .quire-search-title`)].map((t) => t.textContent);
        const said = document.querySelector(status).textContent;
        return (
          JSON.stringify(titles) === JSON.stringify(expected) &&
          (expected.length ? said === (expected.length === 1 ? "1 result" : `${expected.length} results`) : said.startsWith("No results"))
        );
      },
      [LIST, STATUS, expected],
      { timeout: 30_000 },
    );
  } catch (error) {
    const shown = await page.evaluate(
      ([list, status]) => ({
        options: [...document.querySelectorAll(`${list} [role=option]`)].map((o) => o.textContent),
        status: document.querySelector(status).textContent,
      }),
      [LIST, STATUS],
    );
    throw new Error(`the list never showed the results of ${JSON.stringify(query)}: expected ${JSON.stringify(expected)}, shown ${JSON.stringify(shown)}`, { cause: error });
  }
  const labels = await page.locator(`${LIST} [role=option] .quire-search-title`).allTextContents();
  const status = await page.locator(STATUS).textContent();
  return { results, labels, status };
}

/**
 * Presses Enter in the box (or clicks `option`, a Locator) and waits for the page it opens; checks that a
 * #fragment in the new URL names an element of that page. Returns the page's <h1> text.
 */
async function enterAndLoad(page, option) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), option ? option.click() : page.keyboard.press("Enter")]);
  const hash = new URL(page.url()).hash;
  if (hash) {
    const target = await page.evaluate((id) => Boolean(document.getElementById(id)), decodeURIComponent(hash.slice(1)));
    assert.ok(target, `${page.url()}: no element with the id of the fragment`);
  }
  return (await page.locator("main h1").first().textContent()).trim();
}

/** `url` without its #fragment. */
const withoutHash = (url) => url.replace(/#.*$/, "");

// ---------------------------------------------------------------------------------------------------------------

describe("default site over HTTP (CSP default-src 'self')", () => {
  let site;
  before(async () => {
    site = await serveDefaultSite();
  });
  after(async () => {
    await site?.close();
  });

  test("1. a phrase and a name find the right page first, and Enter or a click opens it", async () => {
    for (const [query, path, title] of [
      [PHRASE, PHRASE_PAGE, PHRASE_TITLE],
      [NAME, NAME_PAGE, NAME_TITLE],
    ]) {
      const t = await openTab();
      try {
        await visit(t.tab, site.url + "/");
        await t.page.locator(BOX).focus();
        const { results, labels } = await searchFor(t.page, query);
        assert.ok(results.length > 0, `${query}: no results`);
        assert.equal(withoutHash(results[0].href), site.url + path, `${query}: first result (all: ${JSON.stringify(labels)})`);
        assert.ok(labels[0].startsWith(title), `${query}: the first option reads ${JSON.stringify(labels[0])}, not ${title}`);
        // Enter for the phrase, a mouse click on the first option for the name.
        const h1 = await enterAndLoad(t.page, query === NAME ? t.page.locator(`${LIST} [role=option]`).first() : undefined);
        assert.equal(withoutHash(t.page.url()), site.url + path, `${query}: the wrong page opened`);
        assert.equal(h1, title);
        assert.deepEqual(await t.problems(), [], `${query}: problems`);
      } finally {
        await t.close();
      }
    }
  });

  test("2. a query made of HTML runs nothing and shows as text", async () => {
    const t = await openTab();
    try {
      await visit(t.tab, site.url + "/");
      await t.page.locator(BOX).focus();
      for (const query of ["<img src=x onerror=alert(1)>", "<img src=x onerror=window.__pwned=1>", "<img src=x onerror=alert(1)> sovereignty"]) {
        const { status, labels } = await searchFor(t.page, query);
        const found = await t.page.evaluate(
          ([list]) => ({
            pwned: window.__pwned ?? null,
            images: document.querySelectorAll(".quire-search img, .quire-search script").length,
            elements: [...document.querySelectorAll(`${list} *`)].map((e) => e.tagName.toLowerCase()),
          }),
          [LIST],
        );
        assert.equal(found.pwned, null, `${query}: window.__pwned was set`);
        assert.equal(found.images, 0, `${query}: an <img> or <script> appeared in the search box`);
        assert.deepEqual([...new Set(found.elements)].filter((tag) => !["div", "span", "mark"].includes(tag)), [], `${query}: unexpected elements in the list`);
        if (labels.length === 0) {
          // "No results for “<img …>”": the query itself is shown, as text.
          assert.ok(status.includes(`“${query}”`), `${query}: the status does not show the query as text: ${JSON.stringify(status)}`);
        }
      }
      assert.deepEqual(await t.problems(), [], "dialogs, CSP violations (an inline handler would be one) or errors");
    } finally {
      await t.close();
    }
  });

  test("3. keyboard: / focuses, typing opens the listbox, arrows move, Enter opens, Escape closes", async () => {
    const t = await openTab();
    const { page } = t;
    try {
      await visit(t.tab, site.url + "/");
      const box = page.locator(BOX);
      assert.equal(await box.getAttribute("aria-expanded"), "false");
      await page.locator("body").click({ position: { x: 1, y: 1 } }); // focus on the page, not in a field
      await page.keyboard.press("/");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "quire-search-input", "/ did not focus the box");
      assert.equal(await box.inputValue(), "", "the / was typed into the box");

      const { results } = await searchFor(page, "sovereignty", { keyboard: true });
      assert.ok(results.length >= 2, `need two results to move between, got ${JSON.stringify(results)}`);
      assert.equal(await box.getAttribute("aria-expanded"), "true");
      assert.equal(await box.getAttribute("role"), "combobox");
      const list = page.locator(LIST);
      assert.equal(await list.getAttribute("role"), "listbox");
      assert.ok(await list.isVisible(), "the listbox is not visible");
      assert.equal(await box.getAttribute("aria-controls"), "quire-search-results");
      const options = page.locator(`${LIST} [role=option]`);
      assert.equal(await options.count(), results.length);
      const ids = await options.evaluateAll((all) => all.map((o) => o.id));
      assert.equal(new Set(ids).size, ids.length, `option ids are not unique: ${ids}`);
      assert.ok(ids.every(Boolean), "an option has no id");
      assert.equal(await box.getAttribute("aria-activedescendant"), null, "an option is active before any arrow key");

      const selected = () => options.evaluateAll((all) => all.filter((o) => o.getAttribute("aria-selected") === "true").map((o) => o.id));
      await page.keyboard.press("ArrowDown");
      assert.equal(await box.getAttribute("aria-activedescendant"), ids[0], "first ArrowDown");
      assert.deepEqual(await selected(), [ids[0]]);
      await page.keyboard.press("ArrowDown");
      assert.equal(await box.getAttribute("aria-activedescendant"), ids[1], "second ArrowDown");
      assert.deepEqual(await selected(), [ids[1]]);
      await page.keyboard.press("ArrowUp");
      assert.equal(await box.getAttribute("aria-activedescendant"), ids[0], "ArrowUp");
      await page.keyboard.press("ArrowDown");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "quire-search-input", "focus left the box");

      const h1 = await enterAndLoad(page);
      assert.equal(page.url(), results[1].href, "Enter did not open the highlighted (second) option");
      assert.equal(h1, results[1].title);

      // Escape on the page Enter opened: the list closes, the query stays; a second Escape empties the box.
      await page.locator(BOX).waitFor({ state: "visible" });
      await page.keyboard.press("/");
      await searchFor(page, "sovereignty", { keyboard: true });
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Escape");
      assert.equal(await box.getAttribute("aria-expanded"), "false", "Escape did not close the list");
      assert.ok(await list.isHidden(), "the listbox is still visible after Escape");
      assert.equal(await box.getAttribute("aria-activedescendant"), null, "an option stays active in a closed list");
      assert.equal(await box.inputValue(), "sovereignty");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "quire-search-input", "Escape moved focus");
      await page.keyboard.press("Escape");
      assert.equal(await box.inputValue(), "", "a second Escape did not clear the box");
      assert.deepEqual(await t.problems(), []);
    } finally {
      await t.close();
    }
  });

  test("3b. new results after moving with the arrows leave no stale aria-activedescendant", async () => {
    const t = await openTab();
    const { page } = t;
    try {
      await visit(t.tab, site.url + "/");
      const box = page.locator(BOX);
      await box.focus();
      const { results } = await searchFor(page, "sovereignty");
      assert.ok(results.length >= 3, `need three results, got ${results.length}`);
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      assert.equal(await box.getAttribute("aria-activedescendant"), "quire-search-option-2");
      // A new query replaces the options with a shorter list (ICANN has one result), none of them active yet.
      const refined = await searchFor(page, NAME);
      assert.equal(refined.results.length, 1);
      const state = {
        selected: await page.locator(`${LIST} [role=option][aria-selected=true]`).count(),
        activedescendant: await box.getAttribute("aria-activedescendant"),
      };
      const violations = formatViolations("new results after arrows", await runAxe(page));
      assert.deepEqual({ ...state, violations }, { selected: 0, activedescendant: null, violations: [] }, "the combobox still names an active option the new list does not have");
    } finally {
      await t.close();
    }
  });

  for (const [scheme, width] of [["light", "desktop"], ["dark", "desktop"], ["light", "mobile"], ["dark", "mobile"]]) {
    test(`4. axe: no violation with the results list open (${scheme}, ${VIEWPORTS[width].width}px)`, async () => {
      const t = await openTab({ scheme, viewport: VIEWPORTS[width] });
      const { page } = t;
      try {
        for (const path of ["/", PHRASE_PAGE]) {
          await visit(t.tab, site.url + path);
          await page.locator(BOX).focus();
          const { results } = await searchFor(page, "sovereignty");
          assert.ok(results.length > 1);
          assert.equal(await page.locator(BOX).getAttribute("aria-expanded"), "true");
          const where = `${path} [${scheme}, ${VIEWPORTS[width].width}px]`;
          assert.deepEqual(formatViolations(`${where}, list open`, await runAxe(page)), []);
          await page.keyboard.press("ArrowDown");
          await page.keyboard.press("ArrowDown");
          assert.deepEqual(formatViolations(`${where}, an option active`, await runAxe(page)), []);
          await searchFor(page, "zzzxqv");
          assert.deepEqual(formatViolations(`${where}, no results`, await runAxe(page)), []);
        }
        assert.deepEqual(await t.problems(), []);
      } finally {
        await t.close();
      }
    });
  }

  test("8. the first query downloads under 150 KB (search.js/css, manifest, shards, records)", async () => {
    const LIMIT = 150_000;
    for (const query of [PHRASE, NAME]) {
      const t = await openTab();
      const { page } = t;
      try {
        const bodies = [];
        page.on("response", (response) =>
          bodies.push(
            response.body().then(
              (body) => [response.url(), body.length],
              (error) => Promise.reject(new Error(`could not measure ${response.url()}: ${error.message}`)),
            ),
          ),
        );
        await t.tab.visit(site.url + "/", { idle: true });
        await page.locator(BOX).waitFor({ state: "visible" });
        const onLoad = await Promise.all(bodies.splice(0));
        const assets = onLoad.filter(([url]) => /\/search\.(js|css)$/.test(new URL(url).pathname));
        assert.equal(assets.length, 2, `search.js and search.css loaded with the page: ${JSON.stringify(onLoad)}`);

        // From focusing the box to the results shown: everything requested in between.
        await page.locator(BOX).focus();
        await page.locator(BOX).fill(query);
        await page.waitForFunction(([list]) => document.querySelectorAll(`${list} [role=option]`).length > 0, [LIST]);
        await page.waitForLoadState("networkidle");
        const afterFocus = await Promise.all(bodies.splice(0));
        assert.ok(afterFocus.some(([url]) => url.endsWith("/search/manifest.js")), `the manifest was not loaded: ${JSON.stringify(afterFocus)}`);
        assert.ok(afterFocus.some(([url]) => /\/search\/s\/[^/]+\.js/.test(url)), "no shard was loaded");
        const total = [...assets, ...afterFocus].reduce((sum, [, bytes]) => sum + bytes, 0);
        const list = [...assets, ...afterFocus].map(([url, bytes]) => `${new URL(url).pathname} ${bytes}`).join(", ");
        assert.ok(total < LIMIT, `${query}: ${total} bytes (${list})`);
        console.log(`# first query ${JSON.stringify(query)}: ${total} bytes: ${list}`);
        assert.deepEqual(await t.problems(), []);
      } finally {
        await t.close();
      }
    }
  });
});

describe("markup in page titles and headings (tests/fixtures/e2e-search-markup)", () => {
  // Served with the harness's CSP, and without any CSP: an injected inline handler would then really run.
  for (const csp of ["default-src 'self'", null]) {
    test(`2b. a title holding <script> and a heading holding <img onerror> show as text (${csp ? "CSP" : "no CSP"})`, async () => {
      const site = await serveSite({ root: MARKUP_SITE, csp });
      const t = await openTab();
      const { page } = t;
      try {
        await visit(t.tab, site.url + "/");
        await page.locator(BOX).focus();
        for (const [query, expected] of [
          ["zanzibar", "Zanzibar <script>alert(1)</script> escaping"],
          ["pwned inside", "Zanzibar <script>alert(1)</script> escaping › Heading with <img src=x onerror=window.__pwned=1> inside"],
          ["script alert", "Zanzibar <script>alert(1)</script> escaping"],
        ]) {
          const { labels } = await searchFor(page, query);
          assert.equal(labels[0], expected, `${query}: first option title`);
          const found = await page.evaluate(() => ({
            pwned: window.__pwned ?? null,
            injected: document.querySelectorAll(".quire-search img, .quire-search script").length,
          }));
          assert.deepEqual(found, { pwned: null, injected: 0 }, `${query}: markup from the index became elements or ran`);
        }
        const h1 = await enterAndLoad(page);
        assert.equal(h1, "Zanzibar <script>alert(1)</script> escaping");
        assert.deepEqual(await t.problems(), []);
      } finally {
        await t.close();
        await site.close();
      }
    });
  }
});

describe("Chinese site (tests/fixtures/e2e-search-cjk)", () => {
  let site;
  before(async () => {
    site = await serveSite({ root: CJK_SITE });
  });
  after(async () => {
    await site?.close();
  });

  test("5. Chinese queries find the Chinese page", async () => {
    const t = await openTab();
    const { page } = t;
    try {
      await visit(t.tab, site.url + "/");
      await page.locator(BOX).focus();
      for (const [query, path, title] of [
        ["命运共同体", "/community/", "携手构建网络空间命运共同体"],
        ["经济", "/community/", "携手构建网络空间命运共同体"],
        ["数字经济", "/community/", "携手构建网络空间命运共同体"],
        ["网络安全", "/security/", "维护网络安全"],
      ]) {
        const { results, labels } = await searchFor(page, query);
        assert.ok(results.length > 0, `${query}: no results`);
        assert.equal(withoutHash(new URL(results[0].href).pathname), path, `${query}: first result (all: ${JSON.stringify(labels)})`);
        assert.ok(labels[0].startsWith(title), `${query}: first option ${JSON.stringify(labels[0])}`);
        const marks = await page.locator(`${LIST} [role=option]`).first().locator("mark").allTextContents();
        assert.ok(marks.length > 0, `${query}: nothing highlighted in the first option`);
      }
      // "经济" is only on the community page: the security page must not match it.
      const { results } = await searchFor(page, "经济");
      assert.deepEqual(results.map((r) => withoutHash(new URL(r.href).pathname)), ["/community/"]);
      const h1 = await enterAndLoad(page);
      assert.equal(h1, "携手构建网络空间命运共同体");
      assert.deepEqual(await t.problems(), []);
    } finally {
      await t.close();
    }
  });
});

describe("--offline build opened from disk", () => {
  let dir;
  let output;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "quire-search-offline-"));
    output = join(dir, "site");
    buildSite({ output, offline: true });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("6. search works over file:// and its results open the right file", async () => {
    const onDisk = (relative) => pathToFileURL(join(output, relative)).href;
    const t = await openTab();
    const { page } = t;
    try {
      // From the home page and from a page two folders down (the index is found relative to search.js).
      for (const start of ["index.html", "principles/peace-and-security/index.html"]) {
        await visit(t.tab, onDisk(start));
        await page.locator(BOX).focus();
        const { results } = await searchFor(page, PHRASE);
        assert.equal(withoutHash(results[0]?.href ?? ""), onDisk("principles/respecting-sovereignty/index.html"), `from ${start}`);
        t.tab.start();
        const h1 = await enterAndLoad(page);
        assert.equal(withoutHash(page.url()), onDisk("principles/respecting-sovereignty/index.html"), `from ${start}: Enter`);
        assert.equal(h1, PHRASE_TITLE);
      }
      assert.deepEqual(await t.problems(), []);
    } finally {
      await t.close();
    }
  });
});

describe("site under a subpath (/docs/)", () => {
  let site;
  before(async () => {
    site = await serveSite({ prefix: "/docs" });
  });
  after(async () => {
    await site?.close();
  });

  test("7. search works under /docs/ and result links carry /docs/", async () => {
    assert.match(site.url, /\/docs$/);
    const t = await openTab();
    const { page } = t;
    try {
      for (const start of ["/", "/principles/peace-and-security/"]) {
        await visit(t.tab, site.url + start);
        await page.locator(BOX).focus();
        const { results } = await searchFor(page, PHRASE);
        assert.ok(results.length > 0);
        for (const result of results) {
          assert.ok(result.href.startsWith(site.url + "/"), `a result outside /docs/: ${result.href}`);
        }
        assert.equal(withoutHash(results[0].href), site.url + PHRASE_PAGE);
        t.tab.start();
        const h1 = await enterAndLoad(page);
        assert.equal(withoutHash(page.url()), site.url + PHRASE_PAGE);
        assert.equal(h1, PHRASE_TITLE);
      }
      const searchRequests = site.server.requests.filter(([, path]) => /search/.test(path));
      assert.ok(searchRequests.some(([, path]) => path.startsWith("/docs/search/manifest.js")), JSON.stringify(searchRequests));
      const wrong = site.server.requests.filter(([, path, status]) => !path.startsWith("/docs/") || status >= 400);
      assert.deepEqual(wrong, [], "requests outside /docs/ or failing");
      assert.deepEqual(await t.problems(), []);
    } finally {
      await t.close();
    }
  });
});
