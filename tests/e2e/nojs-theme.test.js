// The default site works without JavaScript (navigation and content visible, no dead theme button), and with
// JavaScript the theme toggle switches data-theme on <html>, changes the colours and remembers the choice.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { newContext, openPage, VIEWPORTS } from "./lib/browser.js";
import { closeSiteAndBrowser, openSiteAndBrowser } from "./lib/fixture.js";

/** Pages checked: the home page, a section, a page and a practice sub-page. */
const PAGES = ["/", "/principles/", "/principles/respecting-sovereignty/", "/practice/connectivity/internet-access/"];

let site;
let browser;

before(async () => {
  ({ site, browser } = await openSiteAndBrowser());
});

after(() => closeSiteAndBrowser({ site, browser }));

/** The site navigation: the landmark holding a link to the principles section. */
const siteNav = (page) => page.getByRole("navigation").filter({ has: page.locator('a[href$="/principles/"]') }).first();

async function assertContentVisible(page, path) {
  const main = page.getByRole("main");
  await assert.doesNotReject(main.waitFor({ state: "visible", timeout: 2000 }), `${path}: <main> is not visible`);
  assert.ok(await main.locator("h1").first().isVisible(), `${path}: the page's <h1> is not visible`);
  const text = (await main.innerText()).trim();
  assert.ok(text.length > 100, `${path}: <main> shows only ${text.length} characters`);
}

describe("without JavaScript", () => {
  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    test(`${width} ${viewport.width}px: navigation and content are visible`, async () => {
      const context = await newContext(browser, { viewport, javaScript: false });
      try {
        for (const path of PAGES) {
          const { page, problems } = await openPage(context, site.url + path);
          assert.deepEqual(problems, [], path);
          await assertContentVisible(page, path);
          const nav = siteNav(page);
          assert.ok(await nav.isVisible(), `${path}: the site navigation is not visible`);
          const principles = nav.locator('a[href$="/principles/"]').first();
          if (!(await principles.isVisible())) {
            // On narrow screens the navigation may fold into a disclosure (<details>) that opens without JS.
            const toggle = nav.locator("summary").first();
            assert.ok(await toggle.isVisible(), `${path}: navigation links are hidden and no menu button shows them`);
            await toggle.click();
          }
          assert.ok(await principles.isVisible(), `${path}: the navigation's link to the principles is not visible`);
          const themeButton = page.getByRole("button", { name: /theme/i });
          assert.equal(await themeButton.count(), 0, `${path}: a theme button is shown that cannot work without JavaScript`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    });
  }
});

describe("theme toggle", () => {
  for (const scheme of ["light", "dark"]) {
    test(`starting from the ${scheme} system scheme: click switches, reload and other pages keep it`, async () => {
      const other = scheme === "light" ? "dark" : "light";
      const context = await newContext(browser, { scheme });
      try {
        const { page, problems } = await openPage(context, site.url + "/");
        assert.deepEqual(problems, []);
        const theme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
        const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const button = page.getByRole("button", { name: /theme/i });
        assert.ok(await button.isVisible(), "no visible theme button with JavaScript on");
        assert.ok([null, scheme].includes(await theme()), `data-theme is ${await theme()} before any click`);
        const before = await background();

        await button.click();
        assert.equal(await theme(), other, "data-theme after one click");
        assert.notEqual(await background(), before, "the page background did not change with the theme");

        await page.reload();
        assert.equal(await theme(), other, "data-theme after reload");
        await page.goto(site.url + PAGES[2]);
        assert.equal(await theme(), other, `data-theme on ${PAGES[2]}`);

        await page.getByRole("button", { name: /theme/i }).click();
        assert.equal(await theme(), scheme, "data-theme after a second click");
        await page.reload();
        assert.equal(await theme(), scheme, "data-theme after the second click and a reload");
        assert.equal(await background(), before, "the background did not come back");
      } finally {
        await context.close();
      }
    });
  }
});
