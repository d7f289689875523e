// `quire serve` end to end (issue 4): a tab open on the preview follows the edits made to the sources — a page's
// Markdown (reload, keeping the scroll position), a stylesheet (swapped in place, no reload), broken front
// matter (a readable error overlay naming the file and line, the last good page still visible, gone once
// fixed), a deleted page (404 and the site's 404 page) — and the injected live-reload script is a <script src>
// that runs under a strict CSP without violation or console error.
//
// Each test serves its own copy of tests/fixtures/e2e-serve. Nothing waits on the clock: every check polls for
// the expected state with a generous timeout, so a slow (full or incremental) rebuild only makes a test slower.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, afterEach, before, test } from "node:test";
import { formatViolations, runAxe } from "./lib/axe.js";
import { launchBrowser, newContext, Tab } from "./lib/browser.js";
import { CSP } from "./lib/server.js";
import { recordLiveReload, startQuireServe, waitForLiveReload } from "./lib/serve.js";
import { REPO_ROOT } from "./lib/site.js";

const FIXTURE = join(REPO_ROOT, "tests", "fixtures", "e2e-serve");
const FIRST = "content/guide/first.md";
const SECOND = "content/guide/second.md";
/** How long a rebuild and the tab's reaction to it may take: generous (a full suite on 2 busy cores once needed over 30 s), the tests never wait this long when green. */
const PATIENCE = 90_000;

let browser;
let serve;
let context;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

afterEach(async (t) => {
  await context?.close();
  context = undefined;
  if (serve) {
    // quire's own output is the first thing to read when a test fails.
    if (t.passed === false || process.env.QUIRE_SERVE_LOG) t.diagnostic(`quire serve printed:\n${serve.output()}`);
    await serve.stop();
    serve = undefined;
  }
});

/** Serves a fresh copy of the fixture and opens a recording tab on `path`, its live-reload stream connected. */
async function openServed(path, { csp = false, scheme = "light" } = {}) {
  serve = await startQuireServe(FIXTURE);
  context = await newContext(browser, { scheme });
  if (csp) await addCsp(context);
  const tab = await Tab.open(context);
  await recordLiveReload(tab.page);
  const { problems } = await tab.visit(serve.url + path);
  const loadProblems = [...problems];
  await waitForLiveReload(tab.page);
  return { tab, page: tab.page, loadProblems };
}

/**
 * The server sends no CSP; this adds `Content-Security-Policy: default-src 'self'` to every HTML document, so
 * an inline script (or anything else a strict CSP forbids) in what `quire serve` injects shows up as a violation.
 * The live-reload stream itself is left untouched.
 */
async function addCsp(context) {
  await context.route(
    (url) => !url.pathname.startsWith("/__quire/"),
    async (route) => {
      if (route.request().resourceType() !== "document") return route.fallback();
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": CSP } });
    },
  );
}

/** Polls `fn(arg)` in the page until it is truthy; false after `timeout` (so the caller asserts with details). */
async function eventually(page, fn, arg, timeout = PATIENCE) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
    return true;
  } catch (error) {
    if (error.name === "TimeoutError" || /Timeout/.test(error.message)) return false;
    throw error;
  }
}

const mainText = (page) => page.evaluate(() => document.querySelector("main")?.innerText ?? "");

test("the live-reload script is a <script src> and runs under a strict CSP without violation or console error", async () => {
  const { page, tab, loadProblems } = await openServed("/guide/first/", { csp: true });
  assert.deepEqual(loadProblems, [], "problems while /guide/first/ loaded under a strict CSP");

  const scripts = await page.evaluate(() =>
    [...document.scripts].map((s) => ({ src: s.getAttribute("src"), inline: s.src ? "" : s.textContent.trim() })),
  );
  const live = scripts.filter((s) => s.src && /__quire\/live\.js/.test(s.src));
  assert.equal(live.length, 1, `one live-reload <script src> expected, scripts: ${JSON.stringify(scripts)}`);
  assert.deepEqual(
    scripts.filter((s) => !s.src && s.inline),
    [],
    "inline scripts in the served page (a strict CSP would block them)",
  );
  const liveScript = await fetch(new URL(live[0].src, serve.url + "/"));
  assert.equal(liveScript.status, 200, "GET of the live-reload script");
  assert.match(liveScript.headers.get("content-type") ?? "", /javascript/, "the live-reload script's Content-Type");

  // A reload and an error overlay under the same CSP: still no violation, no console error.
  tab.problems = [];
  const source = await serve.read(FIRST);
  await serve.write(FIRST, source.replace("original text", "reloaded-under-csp text"));
  assert.ok(
    await eventually(page, () => document.querySelector("main")?.innerText.includes("reloaded-under-csp text")),
    `the edit did not appear under the CSP; main shows: ${(await mainText(page)).slice(0, 200)}`,
  );
  await waitForLiveReload(page);
  await serve.write(FIRST, "+++\ntitle = \n+++\n\nBroken.\n");
  assert.ok(await eventually(page, () => document.getElementById("quire-error-overlay")), "no error overlay under the CSP");
  const violations = await page.evaluate(() => window.__cspViolations ?? []);
  assert.deepEqual(violations, [], "CSP violations after a live reload and an error overlay");
  // The stream the reload cut off is expected to abort; anything else is a problem.
  const problems = tab.problems.filter((p) => !/__quire\/events.*ERR_ABORTED/.test(p));
  assert.deepEqual(problems, [], "console errors or failed requests after a live reload and an error overlay");
});

test("an edit to a page's Markdown appears in the open tab without a manual reload", async () => {
  const { page } = await openServed("/guide/first/");
  assert.match(await mainText(page), /FIRST-PARAGRAPH: this is the original text/);

  const source = await serve.read(FIRST);
  await serve.write(FIRST, source.replace("this is the original text", "this is the EDITED text"));
  const shown = await eventually(page, () => document.querySelector("main")?.innerText.includes("this is the EDITED text"));
  const text = await mainText(page);
  assert.ok(shown, `the edit did not show up in the open tab; main starts with: ${text.slice(0, 300)}`);
  assert.doesNotMatch(text, /original text/);

  // A second edit is picked up as well (the reloaded page listens again).
  await waitForLiveReload(page);
  await serve.write(FIRST, source.replace("this is the original text", "this is the text EDITED TWICE"));
  assert.ok(
    await eventually(page, () => document.querySelector("main")?.innerText.includes("EDITED TWICE")),
    "a second edit did not show up in the open tab",
  );
});

test("the scroll position is kept across a live reload", async () => {
  const { page } = await openServed("/guide/first/");
  const target = await page.evaluate(() => {
    const y = Math.min(1500, document.documentElement.scrollHeight - window.innerHeight - 50);
    window.scrollTo(0, y);
    return y;
  });
  assert.ok(target > 500, `the fixture page is too short to scroll (can scroll to ${target}px)`);
  assert.ok(await eventually(page, (y) => Math.abs(window.scrollY - y) < 2, target, 5000), "could not scroll the page");
  const before = await page.evaluate(() => window.scrollY);
  await page.evaluate(() => (window.__marker = 1));

  // Same length, so the page keeps its height: "about the same" position is then a tight bound.
  const source = await serve.read(FIRST);
  await serve.write(FIRST, source.replace("this is the original text", "this is the changed! text"));
  const reloaded = await eventually(
    page,
    () => window.__marker === undefined && document.querySelector("main")?.innerText.includes("changed! text"),
  );
  assert.ok(reloaded, "the page did not reload with the edit");
  // The script restores the position right away and again on load; wait for the page to settle there.
  const kept = await eventually(page, (y) => document.readyState === "complete" && Math.abs(window.scrollY - y) <= 40, before, 10_000);
  const after = await page.evaluate(() => window.scrollY);
  assert.ok(kept, `scrollY was ${before} before the live reload and is ${after} after it`);
});

test("a CSS change applies without reloading the page", async () => {
  const { page } = await openServed("/guide/first/");
  const spacing = () => page.evaluate(() => getComputedStyle(document.querySelector(".prose p")).letterSpacing);
  assert.equal(await spacing(), "normal", "static/extra.css is not applied at first");
  await page.evaluate(() => (window.__marker = 1));

  await serve.write("static/extra.css", ".prose p { letter-spacing: 3px; }\n");
  const applied = await eventually(page, () => getComputedStyle(document.querySelector(".prose p")).letterSpacing === "3px");
  assert.ok(applied, `the new rule in static/extra.css did not apply: letter-spacing is ${await spacing()}`);
  assert.equal(await page.evaluate(() => window.__marker), 1, "the page was reloaded for a CSS-only change");
  const events = await page.evaluate(() => window.__quireLive.events.map(([type]) => type));
  assert.ok(events.includes("css") && !events.includes("reload"), `live-reload events: ${events}`);
  // The theme's rules still apply next to the swapped sheet.
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(font, /system-ui/, "the theme's stylesheet no longer applies");
});

test("a site stylesheet overriding the theme's style.css applies without reloading the page", async () => {
  const { page } = await openServed("/guide/first/");
  const titleSpacing = () => page.evaluate(() => getComputedStyle(document.querySelector(".site-title")).letterSpacing);
  assert.equal(await titleSpacing(), "normal");
  await page.evaluate(() => (window.__marker = 1));

  // The theme's own style.css (built into quire from this repository's static/) plus one rule.
  const theme = await readFile(join(REPO_ROOT, "static", "style.css"), "utf8");
  await serve.write("static/style.css", `${theme}\n.site-title { letter-spacing: 5px; }\n`);
  const applied = await eventually(page, () => getComputedStyle(document.querySelector(".site-title")).letterSpacing === "5px");
  assert.ok(applied, `static/style.css did not apply: .site-title letter-spacing is ${await titleSpacing()}`);
  assert.equal(await page.evaluate(() => window.__marker), 1, "the page was reloaded for a CSS-only change");
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(font, /system-ui/, "the overriding style.css's theme rules do not apply");
});

/** Breaks the first page's front matter and waits for the overlay; returns the page's good Markdown. */
async function breakFrontMatter(page) {
  const source = await serve.read(FIRST);
  await serve.write(FIRST, "+++\ntitle = \n+++\n\nBroken.\n");
  const shown = await eventually(page, () => document.getElementById("quire-error-overlay"));
  assert.ok(shown, "no error overlay after breaking the front matter");
  return source;
}

test("broken front matter shows an error overlay with the file and line; fixing it removes the overlay", async () => {
  const { page } = await openServed("/guide/first/");
  const source = await breakFrontMatter(page);
  const overlay = await page.evaluate(() => document.getElementById("quire-error-overlay").innerText);
  assert.match(overlay, /content\/guide\/first\.md/, `the overlay does not name the file:\n${overlay}`);
  assert.match(overlay, /first\.md:2\b/, `the overlay does not give the line (2):\n${overlay}`);
  // The last good page stays loaded under it.
  assert.match(await mainText(page), /FIRST-PARAGRAPH: this is the original text/, "the page's content was replaced");
  assert.equal(await page.evaluate(() => document.querySelector("main h1")?.textContent.trim()), "First page");

  // A tab opened while the build is broken shows the overlay too.
  const late = await Tab.open(context);
  await recordLiveReload(late.page);
  await late.visit(`${serve.url}/guide/second/`);
  assert.ok(await eventually(late.page, () => document.getElementById("quire-error-overlay")), "a tab opened after the failure shows no overlay");
  await late.close();

  await serve.write(FIRST, source.replace("this is the original text", "this is the fixed text"));
  const fixed = await eventually(
    page,
    () => !document.getElementById("quire-error-overlay") && document.querySelector("main")?.innerText.includes("the fixed text"),
  );
  const still = await page.evaluate(() => Boolean(document.getElementById("quire-error-overlay")));
  assert.ok(fixed, `after the fix: overlay shown ${still}, main starts with ${(await mainText(page)).slice(0, 200)}`);
});

test("the page's content stays visible while the error overlay is shown", async () => {
  const { page } = await openServed("/guide/first/");
  await breakFrontMatter(page);
  const hidden = await page.evaluate(() => {
    // Points on the page's own content in the viewport; some should hit that content, not something over it.
    const elements = [...document.querySelectorAll("main h1, main .prose p")];
    const covered = [];
    let checked = 0;
    for (const element of elements) {
      const box = element.getBoundingClientRect();
      if (box.bottom <= 0 || box.top >= window.innerHeight || box.width === 0) continue;
      const x = box.left + Math.min(box.width / 2, 40);
      const y = Math.max(box.top, 0) + Math.min(box.height, window.innerHeight - Math.max(box.top, 0)) / 2;
      const hit = document.elementFromPoint(x, y);
      checked++;
      if (!element.contains(hit)) covered.push(`${element.tagName} "${element.textContent.slice(0, 30)}" under ${hit?.id || hit?.tagName}`);
    }
    return { checked, covered };
  });
  assert.ok(hidden.checked > 0, "no page content in the viewport to check");
  assert.ok(
    hidden.covered.length < hidden.checked,
    `the overlay hides all of the page's content in the viewport (${hidden.covered.length} of ${hidden.checked}): ${hidden.covered.join("; ")}`,
  );
});

for (const scheme of ["light", "dark"]) {
  test(`the error overlay is readable (axe WCAG 2.1 AA on the overlay), ${scheme} scheme`, async () => {
    const { page } = await openServed("/guide/first/", { scheme });
    await breakFrontMatter(page);
    const violations = await runAxe(page, { include: "#quire-error-overlay" });
    assert.deepEqual(formatViolations(`error overlay [${scheme}]`, violations), []);
  });
}

test("a deleted page's URL answers 404 with the site's 404 page", async () => {
  const { page } = await openServed("/guide/second/");
  const secondUrl = `${serve.url}/guide/second/`;
  assert.equal((await fetch(secondUrl)).status, 200);

  await serve.remove(SECOND);
  let status;
  const deadline = Date.now() + PATIENCE;
  while (Date.now() < deadline) {
    status = (await fetch(secondUrl)).status;
    if (status === 404) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(status, 404, `${secondUrl} still answers ${status} after the page was deleted`);
  const body = await (await fetch(secondUrl)).text();
  assert.match(body, /Page not found/, "the 404 answer is not the site's 404 page");

  // The tab open on the deleted page reloads into the 404 page.
  const shows404 = await eventually(page, () => document.querySelector("main h1")?.textContent.trim() === "Page not found");
  assert.ok(shows404, `the open tab does not show the 404 page; main starts with: ${(await mainText(page)).slice(0, 200)}`);
  // The rest of the site is still served, without a link to the deleted page.
  const first = await fetch(`${serve.url}/guide/first/`);
  assert.equal(first.status, 200);
  const section = await (await fetch(`${serve.url}/guide/`)).text();
  assert.doesNotMatch(section, /guide\/second\//, "the section still links to the deleted page");
});
