// The documentation features of issue 15 on tests/fixtures/docs-features, in Chromium under
// `Content-Security-Policy: default-src 'self'`: equations render as MathML (screenshot in
// target/e2e-screenshots/), code blocks get a keyboard-reachable copy button, and every page passes axe in both
// schemes without a CSP violation or console error.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { formatViolations, runAxe } from "./lib/axe.js";
import { newContext, openPage } from "./lib/browser.js";
import { SCREENSHOTS, useSiteAndBrowser } from "./lib/fixture.js";
import { startQuireServe } from "./lib/serve.js";
import { REPO_ROOT } from "./lib/site.js";

const FIXTURE = join(REPO_ROOT, "tests/fixtures/docs-features");
const suite = useSiteAndBrowser({ root: FIXTURE });

for (const scheme of ["light", "dark"]) {
  describe(`${scheme} scheme`, () => {
    let context;
    before(async () => {
      context = await newContext(suite.browser, { scheme });
    });
    after(() => context?.close());

    test("every page passes axe with no CSP violation or console error", async () => {
      for (const path of suite.site.pages) {
        const { page, problems } = await openPage(context, suite.site.url + path, { idle: true });
        assert.deepEqual(problems, [], path);
        assert.deepEqual(formatViolations(`${path} [${scheme}]`, await runAxe(page)), []);
        await page.close();
      }
    });

    test("equations render as MathML, laid out by the browser", async () => {
      const { page } = await openPage(context, suite.site.url + "/math/");
      const boxes = await page.$$eval("math", (all) =>
        all.map((math) => {
          const box = math.getBoundingClientRect();
          return { display: math.getAttribute("display"), width: box.width, height: box.height };
        }),
      );
      assert.equal(boxes.length, 3, JSON.stringify(boxes));
      for (const box of boxes) assert.ok(box.width > 10 && box.height > 10, JSON.stringify(box));
      // A fraction is taller than a line of text: the browser laid out MathML, not plain text.
      const block = boxes.find((box) => box.display === "block");
      assert.ok(block.height > 30, JSON.stringify(block));
      const text = await page.textContent("main");
      assert.ok(!text.includes("\\frac") && !text.includes("$$"), "TeX left in the page");
      await page.screenshot({ path: join(SCREENSHOTS, `math-${scheme}.png`), fullPage: true });
      await page.close();
    });
  });
}

test("a code block's copy button is reached by keyboard and copies the code without numbers or hidden lines", async () => {
  const context = await newContext(suite.browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: suite.site.url });
  try {
    const { page, problems } = await openPage(context, suite.site.url + "/code/", { idle: true });
    assert.deepEqual(problems, []);
    const button = page.getByRole("button", { name: "Copy" }).first();
    // Tab until the copy button has focus: it is in the page's tab order.
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await button.evaluate((el) => el === document.activeElement);
    }
    assert.ok(reached, "the copy button was never focused by Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "copied" }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, 'fn main() {\n    let x = 1;\n    let y = 2;\n    println!("{}", x + y);\n}\n');
    await page.screenshot({ path: join(SCREENSHOTS, "code-light.png"), fullPage: true });
  } finally {
    await context.close();
  }
});

test("the print page: every in-page link resolves, and it is laid out for paper", async () => {
  const context = await newContext(suite.browser);
  try {
    const { page, problems } = await openPage(context, suite.site.url + "/print/", { idle: true });
    assert.deepEqual(problems, []);
    const unresolved = await page.$$eval('a[href^="#"]', (links) =>
      links.map((link) => link.getAttribute("href")).filter((href) => !document.getElementById(decodeURIComponent(href.slice(1)))),
    );
    assert.deepEqual(unresolved, []);
    const count = await page.$$eval('a[href^="#"]', (links) => links.length);
    assert.ok(count >= 12, `only ${count} in-page links`);
    await page.screenshot({ path: join(SCREENSHOTS, "print-screen.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    // On paper each entry starts a sheet, and no code block is split.
    const breaks = await page.$$eval(".print-entry", (all) => all.map((e) => getComputedStyle(e).breakBefore));
    assert.ok(breaks.length >= 4 && breaks.every((b) => b === "page"), JSON.stringify(breaks));
    const inside = await page.$eval("pre", (pre) => getComputedStyle(pre).breakInside);
    assert.equal(inside, "avoid");
    await page.screenshot({ path: join(SCREENSHOTS, "print-paper.png"), fullPage: true });
  } finally {
    await context.close();
  }
});

test("quire serve watches an included file and shows its new text", async () => {
  const serve = await startQuireServe(FIXTURE);
  try {
    const text = async () => (await fetch(serve.url + "/include/")).text();
    assert.match(await text(), /greeting/);
    const source = await serve.read("examples/hello.rs");
    await serve.write("examples/hello.rs", source.replace('"hello"', '"included and edited"'));
    let html = "";
    for (let i = 0; i < 900 && !html.includes("included and edited"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      html = await text();
    }
    assert.match(html, /included and edited/, serve.output());
    // Only the pages that include it are rendered again, once: serve's own reads of the file are no change
    // (they once made it render those pages in a loop, forever).
    assert.match(serve.output(), /updated \d+ files? \(2 rendered\)/);
    const updates = () => serve.output().split("\n").filter((line) => line.startsWith("updated")).length;
    const settled = updates();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(updates(), settled, serve.output());
  } finally {
    await serve.stop();
  }
});
